with

fund_balances as (

    select * from {{ ref('stg_ingest__fund_balances') }}

),

funds as (

    select * from {{ ref('dim_fund') }}

)

select
    fund_balances.municipality_code,
    fund_balances.fiscal_year,
    fund_balances.document_id,
    fund_balances.source_line,
    fund_balances.fund_name,
    funds.fund_category,
    fund_balances.fund_group,
    fund_balances.opening_balance_yen,
    fund_balances.deposits_yen,
    fund_balances.withdrawals_yen,
    fund_balances.closing_balance_yen,
    fund_balances.status,
    fund_balances.note
from fund_balances
left join funds
    on
        fund_balances.municipality_code = funds.municipality_code
        and fund_balances.fund_name = funds.fund_name
