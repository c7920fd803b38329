with

fund_flows as (

    select * from {{ ref('stg_ingest__fund_flows') }}

)

select
    municipality_code,
    fiscal_year,
    document_id,
    source_line,
    fund_name,
    flow_type,
    breakdown_name,
    amount_yen,
    status,
    note
from fund_flows
