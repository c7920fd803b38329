with

table_cells as (

    select * from {{ ref('stg_ingest__table_cells') }}

)

select
    municipality_code,
    fiscal_year,
    document_id,
    source_line,
    source_page,
    table_id,
    table_title,
    row_no,
    col_no,
    row_path,
    column_path,
    printed_text,
    value,
    unit,
    value_yen,
    coalesce(is_total, false) as is_total,
    concept,
    coalesce(checked, false) as checked,
    status,
    note
from table_cells
