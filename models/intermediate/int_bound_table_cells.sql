{#-
    Every numeric table cell with the kind of its table (int_table_kinds, from its title or row header) and
    the measure its column holds (int_table_column_concepts): the one place the typed marts
    built from tables (fct_debt_burdens, fct_budget_book_items, int_table_bond_balances) read
    bound cells from. Only cells of a table of a known kind (concept NULL in an unbound column).
-#}
with

table_cells as (

    select * from {{ ref('stg_ingest__table_cells') }}

),

column_concepts as (

    select * from {{ ref('int_table_column_concepts') }}

),

table_kinds as (

    select * from {{ ref('int_table_kinds') }}

)

select
    table_cells.municipality_code,
    table_cells.fiscal_year,
    table_cells.document_id,
    table_cells.source_line,
    table_cells.table_id,
    table_cells.table_title,
    table_kinds.table_kind,
    table_cells.row_no,
    table_cells.col_no,
    table_cells.row_path,
    table_cells.column_path,
    table_cells.is_total,
    table_cells.value,
    table_cells.value_yen,
    table_cells.status,
    column_concepts.concept
from table_cells
inner join table_kinds
    on
        table_cells.document_id = table_kinds.document_id
        and table_cells.table_id = table_kinds.table_id
inner join column_concepts
    on
        table_cells.document_id = column_concepts.document_id
        and table_cells.table_id = column_concepts.table_id
        and table_cells.col_no = column_concepts.col_no
where table_kinds.table_kind is not null
