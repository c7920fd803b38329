{#-
    Bond balances read from any 地方債 / 市債 table the engine read (ref_table_kinds:
    `bond_balance`) whose columns are bound to the roll-forward's parts (opening + increase −
    decrease = closing, proven on the table's own rows): one row per printed line, by purpose.
    A projection (its closing column's header says 見込) is `projected`, else `annual`.
-#}
with

bound_cells as (

    select * from {{ ref('int_bound_table_cells') }}

),

lines as (

    {{ table_rows('bound_cells', 'bond_balance', [
        ('opening_balance', 'opening_balance_yen'),
        ('increase', 'borrowed_yen'),
        ('decrease', 'repaid_yen'),
        ('closing_balance', 'closing_balance_yen')
    ], measured_cells_only=true) }}

),

-- a projection: the row's closing balance is printed under a header that says 見込
projected_rows as (

    {{ projected_rows('bound_cells', 'bond_balance', ['見込']) }}

)

select
    lines.municipality_code,
    lines.fiscal_year,
    lines.document_id,
    lines.source_line,
    cast(null as {{ portable_type('varchar') }}) as account_name,
    'purpose' as breakdown,
    trim(regexp_replace(regexp_replace(lines.row_path, '^.*/', ''), '^[(]?[0-9]+[)]?[.]? *', ''))
        as purpose_name,
    cast(null as {{ portable_type('varchar') }}) as lender_name,
    lines.opening_balance_yen,
    lines.borrowed_yen,
    lines.repaid_yen,
    lines.closing_balance_yen,
    case when projected_rows.row_no is not null then 'projected' else 'annual' end as basis,
    case when lines.unresolved_flag = 1 then 'unresolved' else 'ok' end as status,
    'read by the table engine: ' || lines.row_path as note
from lines
left join projected_rows
    on
        lines.document_id = projected_rows.document_id
        and lines.table_id = projected_rows.table_id
        and lines.row_no = projected_rows.row_no
where lines.closing_balance_yen is not null
