with

source as (

    select * from {{ ref('raw_acknowledged_mismatches') }}

),

renamed as (

    select
        check_id,
        note,
        reviewed_by
    from source

)

select * from renamed
