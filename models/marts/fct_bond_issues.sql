with

bond_issues as (

    select * from {{ ref('stg_ingest__bond_issues') }}

),

account_names as (

    select * from {{ ref('int_account_names') }}

)

select
    municipality_code,
    fiscal_year,
    document_id,
    source_line,
    account_names.account_name,
    account_names.account_part,
    account_names.printed_account_name,
    purpose_name,
    amount_yen,
    borrowed_on,
    lender_name,
    interest_rate_pct,
    term_years,
    grace_years,
    status,
    note
from bond_issues
left join account_names
    on bond_issues.account_name = account_names.printed_account_name
