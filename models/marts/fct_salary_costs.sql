{#-
    給与費明細書 (a budget book's statement of salary costs): one row per printed line of the
    table, from every table whose title the reviewed ref_table_kinds calls `salary`, each column
    read by the measure its header names (int_table_column_concepts: 職員数, 報酬, 給料, 職員手当等,
    期末手当, その他手当, 計, 共済費, 合計). The row path gives the period the line is for (本年度
    / 前年度 / 比較, printed as a stacked group label or as the line's own label) and the 区分
    (長等, 議員, その他 …). The class (特別職 / 一般職) is the one the title names, else 特別職
    for a table listing 議員 (the national form's 特別職 table). What is not printed is NULL.
-#}
with

bound_cells as (

    select * from {{ ref('int_bound_table_cells') }}

),

lines as (

    {{ table_rows('bound_cells', 'salary', [
        ('staff_count', 'staff_count'),
        ('remuneration', 'remuneration_yen'),
        ('salary', 'salary_yen'),
        ('allowances', 'allowances_yen'),
        ('term_end_allowance', 'term_end_allowance_yen'),
        ('other_allowances', 'other_allowances_yen'),
        ('salary_cost_subtotal', 'salary_cost_subtotal_yen'),
        ('mutual_aid_cost', 'mutual_aid_cost_yen'),
        ('total_cost', 'total_cost_yen')
    ]) }}

),

-- the national form's 特別職 table lists 長等 / 議員 / その他: a table with a 議員 line is one
special_tables as (

    select distinct
        lines.document_id,
        lines.table_id
    from lines
    where regexp_replace(lines.row_path, '^.*/', '') = '議員'

),

labelled as (

    select
        lines.*,
        case
            when lines.row_path like '本年度%' then 'current'
            when lines.row_path like '前年度%' then 'previous'
            when lines.row_path like '比較%' then 'change'
        end as period,
        trim(regexp_replace(lines.row_path, '^(本年度|前年度|比較)/?', '')) as category_label,
        case
            when instr(lines.table_title, '特別職') > 0 then '特別職'
            when instr(lines.table_title, '一般職') > 0 then '一般職'
            when special_tables.table_id is not null then '特別職'
        end as staff_class
    from lines
    left join special_tables
        on
            lines.document_id = special_tables.document_id
            and lines.table_id = special_tables.table_id

)

select
    municipality_code,
    fiscal_year,
    document_id,
    source_line,
    table_id,
    table_title,
    row_no,
    staff_class,
    period,
    nullif(category_label, '') as category_name,
    is_total_flag = 1 or category_label in ('計', '合計') as is_total,
    cast(staff_count as integer) as staff_count,
    remuneration_yen,
    salary_yen,
    allowances_yen,
    term_end_allowance_yen,
    other_allowances_yen,
    salary_cost_subtotal_yen,
    mutual_aid_cost_yen,
    total_cost_yen,
    case when unresolved_flag = 1 then 'unresolved' else 'ok' end as status
from labelled
where period is not null
