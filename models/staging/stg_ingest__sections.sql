with

source as (

    select * from {{ ref('raw_sections') }}

),

renamed as (

    select
        document_id,
        section_id,
        parent_id,
        level,
        kind,
        number,
        heading,
        section_path,
        org_unit,
        first_line,
        last_line,
        text
    from source

)

select * from renamed
