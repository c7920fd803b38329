{#-
    Fund balances read from any 基金 table the engine read (ref_table_kinds: `fund_balance`)
    whose columns are bound to the roll-forward's parts (前年度末現在高 + 積立額 − 取崩額 =
    年度末現在高, proven on the table's own rows, or named by the reviewed vocabulary): one row
    per fund printed (its 合計 row is the funds' sum, checked in rpt_reconciliation, not a fund).
    A projection (its closing column's header says 見込 or 予定, or the table's title names a
    予算: a budget book's 基金現在高調) is `projected`, else `annual`.
-#}
with

bound_cells as (

    select * from {{ ref('int_bound_table_cells') }}

),

lines as (

    {{ table_rows('bound_cells', 'fund_balance', [
        ('opening_balance', 'opening_balance_yen'),
        ('increase', 'deposits_yen'),
        ('decrease', 'withdrawals_yen'),
        ('closing_balance', 'closing_balance_yen')
    ], measured_cells_only=true) }}

),

projected_rows as (

    {{ projected_rows('bound_cells', 'fund_balance', ['見込', '予定'], title_words=['予算']) }}

)

select
    lines.municipality_code,
    lines.fiscal_year,
    lines.document_id,
    lines.source_line,
    trim(regexp_replace(regexp_replace(lines.row_path, '^.*/', ''), '^[(]?[0-9]+[)]?[.]? *', ''))
        as fund_name,
    cast(null as {{ portable_type('varchar') }}) as fund_group,
    lines.opening_balance_yen,
    lines.deposits_yen,
    lines.withdrawals_yen,
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
where
    lines.is_total_flag = 0
    and lines.closing_balance_yen is not null
    and lines.opening_balance_yen is not null
