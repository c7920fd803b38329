with

source as (

    select * from {{ ref('raw_local_allocation_tax') }}

),

renamed as (

    select
        municipality_code,
        fiscal_year,
        document_id,
        source_line,
        item_name,
        amount_yen,
        prior_year_amount_yen,
        status,
        note
    from source

)

select * from renamed
