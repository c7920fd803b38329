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

bond_cells as (

    select *
    from bound_cells
    where
        table_kind = 'bond_balance'
        and concept in ('opening_balance', 'increase', 'decrease', 'closing_balance')

),

lines as (

    select
        municipality_code,
        fiscal_year,
        document_id,
        table_id,
        row_no,
        min(source_line) as source_line,
        max(row_path) as row_path,
        max(case when concept = 'opening_balance' then value_yen end) as opening_balance_yen,
        max(case when concept = 'increase' then value_yen end) as borrowed_yen,
        max(case when concept = 'decrease' then value_yen end) as repaid_yen,
        max(case when concept = 'closing_balance' then value_yen end) as closing_balance_yen,
        max(case when concept = 'closing_balance' and instr(column_path, '見込') > 0 then 1 else 0 end)
            as projected_flag,
        max(case when status <> 'ok' then 1 else 0 end) as unresolved_flag
    from bond_cells
    group by municipality_code, fiscal_year, document_id, table_id, row_no

)

select
    municipality_code,
    fiscal_year,
    document_id,
    source_line,
    cast(null as {{ portable_type('varchar') }}) as account_name,
    'purpose' as breakdown,
    trim(regexp_replace(regexp_replace(row_path, '^.*/', ''), '^[(]?[0-9]+[)]?[.]? *', ''))
        as purpose_name,
    cast(null as {{ portable_type('varchar') }}) as lender_name,
    opening_balance_yen,
    borrowed_yen,
    repaid_yen,
    closing_balance_yen,
    case when projected_flag = 1 then 'projected' else 'annual' end as basis,
    case when unresolved_flag = 1 then 'unresolved' else 'ok' end as status,
    'read by the table engine: ' || row_path as note
from lines
where closing_balance_yen is not null
