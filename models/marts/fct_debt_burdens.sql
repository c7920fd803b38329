{#-
    債務負担行為 調書: one row per printed item (and the 合計 row), from the cells of every table
    whose title the reviewed ref_table_kinds calls `debt_burden`, each column read by the measure
    its header names (int_table_column_concepts). What the table does not print is NULL.
-#}
with

bound_cells as (

    select * from {{ ref('int_bound_table_cells') }}

),

items as (

    {{ table_rows('bound_cells', 'debt_burden', [
        ('limit_amount', 'limit_yen'),
        ('spent_amount', 'spent_yen'),
        ('planned_amount', 'planned_yen'),
        ('source_national_prefectural', 'source_national_prefectural_yen'),
        ('source_bonds', 'source_bonds_yen'),
        ('source_other', 'source_other_yen'),
        ('source_general', 'source_general_yen')
    ]) }}

)

select
    municipality_code,
    fiscal_year,
    document_id,
    source_line,
    table_id,
    row_no,
    cast(nullif(regexp_extract(row_path, '^([0-9]+) ', 1), '') as integer) as item_no,
    trim(regexp_replace(row_path, '^[0-9]+ ', '')) as item_name,
    is_total_flag = 1 as is_total,
    limit_yen,
    spent_yen,
    planned_yen,
    source_national_prefectural_yen,
    source_bonds_yen,
    source_other_yen,
    source_general_yen,
    case when unresolved_flag = 1 then 'unresolved' else 'ok' end as status
from items
