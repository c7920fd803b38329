with

source as (

    select * from {{ ref('raw_it_systems') }}

),

renamed as (

    select
        municipality_code,
        fiscal_year,
        document_id,
        source_line,
        system_name,
        system_group,
        note_marks,
        status,
        note
    from source

)

select * from renamed
