with

source as (

    select * from {{ ref('raw_budget_items') }}

),

renamed as (

    select
        municipality_code,
        fiscal_year,
        document_id,
        source_line,
        account_name,
        side,
        item_no,
        item_name,
        initial_budget_yen,
        revision_total_yen,
        reserve_transfer_yen,
        final_budget_yen,
        settlement_yen,
        status,
        note
    from source

)

select * from renamed
