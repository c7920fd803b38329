with

local_allocation_tax as (

    select * from {{ ref('stg_ingest__local_allocation_tax') }}

)

select
    municipality_code,
    fiscal_year,
    document_id,
    source_line,
    item_name,
    amount_yen,
    prior_year_amount_yen,
    status,
    note
from local_allocation_tax
