with

source as (

    select * from {{ ref('raw_allocation_tax_components') }}

),

renamed as (

    select
        municipality_code,
        fiscal_year,
        document_id,
        source_line,
        measure,
        component_path,
        component_name,
        level,
        sign,
        is_subtotal,
        amount_yen,
        status,
        note
    from source

)

select * from renamed
