with

table_cells as (

    select * from {{ ref('stg_ingest__table_cells') }}

),

column_concepts as (

    select * from {{ ref('int_table_column_concepts') }}

)

select
    table_cells.municipality_code,
    table_cells.fiscal_year,
    table_cells.document_id,
    table_cells.source_line,
    table_cells.source_page,
    table_cells.table_id,
    table_cells.table_title,
    table_cells.row_no,
    table_cells.col_no,
    table_cells.row_path,
    table_cells.column_path,
    table_cells.printed_text,
    table_cells.value,
    table_cells.unit,
    table_cells.value_yen,
    coalesce(table_cells.is_total, false) as is_total,
    column_concepts.concept,
    coalesce(table_cells.checked, false) as checked,
    table_cells.status,
    table_cells.note
from table_cells
left join column_concepts
    on
        table_cells.document_id = column_concepts.document_id
        and table_cells.table_id = column_concepts.table_id
        and table_cells.col_no = column_concepts.col_no
