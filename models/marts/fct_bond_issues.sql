with

bond_issues as (

    select * from {{ ref('stg_ingest__bond_issues') }}

),

account_names as (

    select * from {{ ref('int_account_names') }}

)

select
    bond_issues.municipality_code,
    bond_issues.fiscal_year,
    bond_issues.document_id,
    bond_issues.source_line,
    account_names.account_name,
    account_names.account_part,
    account_names.printed_account_name,
    bond_issues.purpose_name,
    bond_issues.amount_yen,
    bond_issues.borrowed_on,
    bond_issues.lender_name,
    bond_issues.interest_rate_pct,
    bond_issues.term_years,
    bond_issues.grace_years,
    bond_issues.status,
    bond_issues.note
from bond_issues
left join account_names
    on bond_issues.account_name = account_names.printed_account_name
