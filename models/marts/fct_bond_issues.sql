with

bond_issues as (

    select * from {{ ref('stg_ingest__bond_issues') }}

)

select
    municipality_code,
    fiscal_year,
    document_id,
    source_line,
    account_name,
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
