with

budget_revisions as (

    select * from {{ ref('stg_ingest__budget_revisions') }}

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
    revision_seq,
    revision_label,
    decided_on,
    decided_on_kind,
    amount_yen,
    carryover_yen,
    budget_after_yen,
    budget_after_with_carryover_yen,
    status,
    note
from budget_revisions
left join account_names
    on budget_revisions.account_name = account_names.printed_account_name
