with

budget_item_revisions as (

    select * from {{ ref('stg_ingest__budget_item_revisions') }}

)

select
    municipality_code,
    fiscal_year,
    document_id,
    source_line,
    account_name,
    side,
    item_no,
    revision_seq,
    amount_yen,
    status,
    note
from budget_item_revisions
