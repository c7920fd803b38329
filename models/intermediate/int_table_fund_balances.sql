{#-
    Fund balances read from any 基金 table the engine read (ref_table_kinds: `fund_balance`)
    whose columns are bound to the roll-forward's parts (前年度末現在高 + 積立額 − 取崩額 =
    年度末現在高, proven on the table's own rows, or named by the reviewed vocabulary): one row
    per fund printed (its 合計 row is the funds' sum, checked in rpt_reconciliation, not a fund).
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

)

select
    municipality_code,
    fiscal_year,
    document_id,
    source_line,
    trim(regexp_replace(regexp_replace(row_path, '^.*/', ''), '^[(]?[0-9]+[)]?[.]? *', '')) as fund_name,
    cast(null as {{ portable_type('varchar') }}) as fund_group,
    opening_balance_yen,
    deposits_yen,
    withdrawals_yen,
    closing_balance_yen,
    case when unresolved_flag = 1 then 'unresolved' else 'ok' end as status,
    'read by the table engine: ' || row_path as note
from lines
where
    is_total_flag = 0
    and closing_balance_yen is not null
    and opening_balance_yen is not null
