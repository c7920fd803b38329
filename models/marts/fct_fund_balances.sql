{#- the columns of the mart's sources, in order: both readings give them alike -#}
{%- set columns = [
    'municipality_code', 'fiscal_year', 'document_id', 'source_line', 'fund_name', 'fund_group',
    'opening_balance_yen', 'deposits_yen', 'withdrawals_yen', 'closing_balance_yen', 'basis', 'status',
    'note',
] -%}
with

fund_balances as (

    select * from {{ ref('stg_ingest__fund_balances') }}

),

table_fund_balances as (

    select * from {{ ref('int_table_fund_balances') }}

),

extracted_documents as (

    select distinct document_id as extracted_document_id
    from fund_balances

),

-- the funds extractor reads a report's 基金の状況: the year's flows
extracted as (

    select
        *,
        'annual' as basis
    from fund_balances

),

-- a document whose fund tables the funds extractor read keeps that reading; any other
-- document's fund tables come from the table engine's bound columns
combined as (

    select
        {{ columns | join(',\n        ') }}
    from extracted
    union all
    select
        {{ columns | join(',\n        ') }}
    from table_fund_balances
    where document_id not in (select e.extracted_document_id from extracted_documents as e)

),

funds as (

    select * from {{ ref('dim_fund') }}

)

select
    combined.municipality_code,
    combined.fiscal_year,
    combined.document_id,
    combined.source_line,
    combined.fund_name,
    funds.fund_category,
    combined.fund_group,
    combined.opening_balance_yen,
    combined.deposits_yen,
    combined.withdrawals_yen,
    combined.closing_balance_yen,
    combined.basis,
    combined.status,
    combined.note
from combined
left join funds
    on
        combined.municipality_code = funds.municipality_code
        and combined.fund_name = funds.fund_name
