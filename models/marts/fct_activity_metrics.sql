with

activity_metrics as (

    select * from {{ ref('stg_ingest__activity_metrics') }}

)

select
    municipality_code,
    fiscal_year,
    document_id,
    source_line,
    org_unit,
    table_title,
    row_label,
    column_label,
    period_month,
    value,
    unit,
    is_total,
    status,
    note
from activity_metrics
