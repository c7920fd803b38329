with

budget_items as (

    select * from {{ ref('stg_ingest__budget_items') }}

),

item_names as (

    select * from {{ ref('ref_budget_item_names') }}

),

account_names as (

    select * from {{ ref('int_account_names') }}

)

select
    budget_items.municipality_code,
    budget_items.fiscal_year,
    budget_items.document_id,
    budget_items.source_line,
    account_names.account_name,
    account_names.account_part,
    account_names.printed_account_name,
    budget_items.side,
    budget_items.item_no,
    budget_items.item_name,
    coalesce(item_names.conformed_item_name, budget_items.item_name) as conformed_item_name,
    budget_items.initial_budget_yen,
    budget_items.revision_total_yen,
    budget_items.reserve_transfer_yen,
    budget_items.final_budget_yen,
    budget_items.settlement_yen,
    budget_items.status,
    budget_items.note
from budget_items
left join account_names
    on budget_items.account_name = account_names.printed_account_name
left join item_names
    on budget_items.item_name = item_names.printed_name
