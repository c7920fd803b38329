with

source as (

    select * from {{ ref('raw_fund_balances') }}

),

renamed as (

    select
        municipality_code,
        fiscal_year,
        document_id,
        source_line,
        fund_name,
        fund_group,
        opening_balance_yen,
        deposits_yen,
        withdrawals_yen,
        closing_balance_yen,
        status,
        note
    from source

)

select * from renamed
