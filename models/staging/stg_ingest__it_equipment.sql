with

source as (

    select * from {{ ref('raw_it_equipment') }}

),

renamed as (

    select
        municipality_code,
        fiscal_year,
        document_id,
        source_line,
        equipment_type,
        quantity,
        status,
        note
    from source

)

select * from renamed
