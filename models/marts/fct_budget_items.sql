with

budget_items as (

    select * from {{ ref('stg_ingest__budget_items') }}

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
    item_name,
    initial_budget_yen,
    revision_total_yen,
    reserve_transfer_yen,
    final_budget_yen,
    settlement_yen,
    status,
    note
from budget_items
left join account_names
    on budget_items.account_name = account_names.printed_account_name
