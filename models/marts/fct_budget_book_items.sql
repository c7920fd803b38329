{#-
    A budget book's 款 (or 項) table against the previous year (款別前年度比較表, 歳入歳出予算):
    one row per printed item and total, from every table whose title the reviewed
    ref_table_kinds calls `budget_items`, each column read by the measure its header names
    (int_table_column_concepts). The side (歳入 / 歳出) is the one its total row names.
-#}
with

item_names as (

    select * from {{ ref('ref_budget_item_names') }}

),

bound_cells as (

    select * from {{ ref('int_bound_table_cells') }}

),

items as (

    {{ table_rows('bound_cells', 'budget_items', [
        ('current_amount', 'current_yen'),
        ('previous_amount', 'previous_yen'),
        ('change_amount', 'change_yen'),
        (['current_share_pct', 'share_pct'], 'current_share_pct'),
        ('previous_share_pct', 'previous_share_pct'),
        ('change_pct', 'change_pct')
    ]) }}

),

sides as (

    select
        document_id,
        table_id,
        case
            when max(case when is_total_flag = 1 and instr(row_path, '歳入') > 0 then 1 else 0 end) = 1
                then 'revenue'
            when max(case when is_total_flag = 1 and instr(row_path, '歳出') > 0 then 1 else 0 end) = 1
                then 'expenditure'
        end as side
    from items
    group by document_id, table_id

)

select
    items.municipality_code,
    items.fiscal_year,
    items.document_id,
    items.source_line,
    items.table_id,
    items.table_title,
    sides.side,
    items.row_no,
    cast(nullif(regexp_extract(items.row_path, '^([0-9]+) ', 1), '') as integer) as item_no,
    trim(regexp_replace(items.row_path, '^[0-9]+ ', '')) as item_name,
    coalesce(
        item_names.conformed_item_name, trim(regexp_replace(items.row_path, '^[0-9]+ ', ''))
    ) as conformed_item_name,
    items.is_total_flag = 1 as is_total,
    items.current_yen,
    items.previous_yen,
    items.change_yen,
    items.current_share_pct,
    items.previous_share_pct,
    items.change_pct,
    case when items.unresolved_flag = 1 then 'unresolved' else 'ok' end as status
from items
left join sides
    on
        items.document_id = sides.document_id
        and items.table_id = sides.table_id
left join item_names
    on trim(regexp_replace(items.row_path, '^[0-9]+ ', '')) = item_names.printed_name
