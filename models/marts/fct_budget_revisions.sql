with

budget_revisions as (

    select * from {{ ref('stg_ingest__budget_revisions') }}

),

account_names as (

    select * from {{ ref('int_account_names') }}

)

select
    budget_revisions.municipality_code,
    budget_revisions.fiscal_year,
    budget_revisions.document_id,
    budget_revisions.source_line,
    account_names.account_name,
    account_names.account_part,
    account_names.printed_account_name,
    budget_revisions.revision_seq,
    budget_revisions.revision_label,
    budget_revisions.decided_on,
    budget_revisions.decided_on_kind,
    budget_revisions.amount_yen,
    budget_revisions.carryover_yen,
    budget_revisions.budget_after_yen,
    budget_revisions.budget_after_with_carryover_yen,
    budget_revisions.status,
    budget_revisions.note
from budget_revisions
left join account_names
    on budget_revisions.account_name = account_names.printed_account_name
