with

source as (

    select * from {{ ref('raw_bond_balances') }}

),

renamed as (

    select
        municipality_code,
        fiscal_year,
        document_id,
        source_line,
        account_name,
        breakdown,
        purpose_name,
        lender_name,
        opening_balance_yen,
        borrowed_yen,
        repaid_yen,
        closing_balance_yen,
        basis,
        status,
        note
    from source

)

select * from renamed
