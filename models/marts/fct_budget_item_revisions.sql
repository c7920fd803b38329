with

budget_item_revisions as (

    select * from {{ ref('stg_ingest__budget_item_revisions') }}

),

account_names as (

    select * from {{ ref('int_account_names') }}

)

select
    budget_item_revisions.municipality_code,
    budget_item_revisions.fiscal_year,
    budget_item_revisions.document_id,
    budget_item_revisions.source_line,
    account_names.account_name,
    account_names.account_part,
    account_names.printed_account_name,
    budget_item_revisions.side,
    budget_item_revisions.item_no,
    budget_item_revisions.revision_seq,
    budget_item_revisions.amount_yen,
    budget_item_revisions.status,
    budget_item_revisions.note
from budget_item_revisions
left join account_names
    on budget_item_revisions.account_name = account_names.printed_account_name
