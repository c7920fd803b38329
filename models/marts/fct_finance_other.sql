with

finance_other as (

    select * from {{ ref('stg_ingest__finance_other') }}

)

select
    municipality_code,
    fiscal_year,
    document_id,
    source_line,
    table_title,
    row_label,
    column_label,
    value,
    unit,
    amount_yen,
    is_total,
    status,
    note
from finance_other
