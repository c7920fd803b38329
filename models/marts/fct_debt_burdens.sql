{#-
    債務負担行為 調書: one row per printed item (and the 合計 row), from the cells of every table
    whose title the reviewed ref_table_kinds calls `debt_burden`, each column read by the measure
    its header names (int_table_column_concepts). What the table does not print is NULL.
-#}
with

bound_cells as (

    select * from {{ ref('int_bound_table_cells') }}

),

debt_burden_cells as (

    select *
    from bound_cells
    where table_kind = 'debt_burden'

),

items as (

    select
        municipality_code,
        fiscal_year,
        document_id,
        table_id,
        row_no,
        min(source_line) as source_line,
        max(row_path) as row_path,
        max(case when is_total then 1 else 0 end) as is_total_flag,
        max(case when concept = 'limit_amount' then value_yen end) as limit_yen,
        max(case when concept = 'spent_amount' then value_yen end) as spent_yen,
        max(case when concept = 'planned_amount' then value_yen end) as planned_yen,
        max(case when concept = 'source_national_prefectural' then value_yen end)
            as source_national_prefectural_yen,
        max(case when concept = 'source_bonds' then value_yen end) as source_bonds_yen,
        max(case when concept = 'source_other' then value_yen end) as source_other_yen,
        max(case when concept = 'source_general' then value_yen end) as source_general_yen,
        max(case when status <> 'ok' then 1 else 0 end) as unresolved_flag
    from debt_burden_cells
    group by municipality_code, fiscal_year, document_id, table_id, row_no

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
