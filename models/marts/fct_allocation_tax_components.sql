with

allocation_tax_components as (

    select * from {{ ref('stg_ingest__allocation_tax_components') }}

)

select
    municipality_code,
    fiscal_year,
    document_id,
    source_line,
    measure,
    component_path,
    component_name,
    level,
    sign,
    is_subtotal,
    amount_yen,
    status,
    note
from allocation_tax_components
