with

council_bills as (

    select * from {{ ref('stg_ingest__council_bills') }}

),

-- The types the contract promises, stated here rather than inherited from the seed's
-- generated column types.
typed as (

    select
        municipality_code,
        cast(fiscal_year as integer) as fiscal_year,
        document_id,
        cast(source_line as integer) as source_line,
        session_label,
        category,
        bill_kind,
        cast(bill_no as integer) as bill_no,
        bill_label,
        title,
        cast(submitted_on as date) as submitted_on,
        submitted_by,
        committee,
        committee_result,
        cast(decided_on as date) as decided_on,
        cast(reported_on as date) as reported_on,
        result,
        status,
        note
    from council_bills

)

select
    municipality_code,
    fiscal_year,
    document_id,
    source_line,
    session_label,
    category,
    bill_kind,
    bill_no,
    bill_label,
    title,
    submitted_on,
    submitted_by,
    committee,
    committee_result,
    decided_on,
    reported_on,
    result,
    status,
    note
from typed
