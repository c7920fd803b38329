with

budget_item_revisions as (

    select * from {{ ref('stg_ingest__budget_item_revisions') }}

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
    side,
    item_no,
    revision_seq,
    amount_yen,
    status,
    note
from budget_item_revisions
left join account_names
    on budget_item_revisions.account_name = account_names.printed_account_name
