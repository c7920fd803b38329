{#-
    Figures published outside the documents (reviewed seed ref_external_figures: the 総務省
    決算カード …) against what the warehouse holds for the same municipality, year and measure,
    one check per document that states it:
    - bond_balance / 普通会計: the year-end 地方債現在高 of every account of the 普通会計
      (dim_account.ordinary_account; 一般会計 and special accounts such as 土地区画整理事業),
      summed over the accounts the document's tables give; the note says which it added;
    - fund_balance / <fund_category>: the year-end balance of the funds of that category;
    - local_allocation_tax / <item>: the printed 地方交付税 item.
    The outside figure is the reported value, the warehouse's the computed one; a 決算カード
    prints 千円, so the tolerance is half a 千円. No document stating it: `unverifiable`; a
    municipality without a document in the warehouse: no check.
-#}
with

documents as (

    select * from {{ ref('stg_ingest__documents') }}

),

-- figures of municipalities the warehouse holds a document of (another city's figure is no
-- check of this warehouse)
external_figures as (

    select *
    from {{ ref('ref_external_figures') }}
    where municipality_code in (select d.municipality_code from documents as d)

),

facts as (

    select * from {{ ref('int_dated_facts') }}

),

account_names as (

    select distinct
        account_name,
        ordinary_account
    from {{ ref('int_account_names') }}

),

fund_names as (

    select distinct
        municipality_code,
        fund_name,
        fund_category
    from {{ ref('int_fund_names') }}

),

actual_facts as (

    select *
    from facts
    where basis = 'actual' and measure_fiscal_year = document_fiscal_year

),

ordinary_bond_terms as (

    select
        actual_facts.*,
        actual_facts.subject_key || ' ' || actual_facts.terms as term_label
    from actual_facts
    inner join account_names
        on actual_facts.subject_key = account_names.account_name
    where actual_facts.subject = 'bond_balance' and account_names.ordinary_account

),

fund_terms as (

    select
        actual_facts.*,
        fund_names.fund_category,
        actual_facts.subject_key || ' ' || actual_facts.terms as term_label
    from actual_facts
    inner join fund_names
        on
            actual_facts.municipality_code = fund_names.municipality_code
            and actual_facts.subject_key = fund_names.fund_name
    where actual_facts.subject = 'fund_balance'

),

warehouse_figures as (

    select
        municipality_code,
        measure_fiscal_year as fiscal_year,
        document_id,
        'bond_balance' as measure,
        '普通会計' as subject_key,
        min(source_line) as source_line,
        sum(value_yen) as value_yen,
        {{ portable_string_agg('term_label', "'; '", 'source_line') }} as terms
    from ordinary_bond_terms
    group by municipality_code, measure_fiscal_year, document_id
    union all
    select
        municipality_code,
        measure_fiscal_year as fiscal_year,
        document_id,
        'fund_balance' as measure,
        fund_category as subject_key,
        min(source_line) as source_line,
        sum(value_yen) as value_yen,
        {{ portable_string_agg('term_label', "'; '", 'source_line') }} as terms
    from fund_terms
    group by municipality_code, measure_fiscal_year, document_id, fund_category
    union all
    select
        municipality_code,
        measure_fiscal_year as fiscal_year,
        document_id,
        'local_allocation_tax' as measure,
        subject_key,
        source_line,
        value_yen,
        subject_key || ' ' || terms as terms
    from actual_facts
    where subject = 'local_allocation_tax'

)

select
    'external:' || external_figures.measure || ':' || external_figures.subject_key || ':'
    || external_figures.municipality_code || ':'
    || cast(external_figures.fiscal_year as {{ portable_type('varchar') }}) || ':'
    || coalesce(warehouse_figures.document_id, 'none') as check_id,
    external_figures.municipality_code,
    external_figures.fiscal_year,
    'external.' || external_figures.measure as subject,
    external_figures.subject_key as group_label,
    cast(
        external_figures.amount * case when external_figures.unit = '千円' then 1000 else 1 end
        as double
    ) as reported_value,
    cast(warehouse_figures.value_yen as double) as computed_value,
    cast(case when external_figures.unit = '千円' then 500 else 0 end as double) as tolerance,
    external_figures.source
    || ' (recorded '
    || cast(external_figures.recorded_on as {{ portable_type('varchar') }})
    || ') against '
    || coalesce(
        warehouse_figures.document_id || ': ' || warehouse_figures.terms,
        'no document in the warehouse states it'
    ) as note,
    warehouse_figures.document_id,
    warehouse_figures.source_line
from external_figures
left join warehouse_figures
    on
        external_figures.municipality_code = warehouse_figures.municipality_code
        and external_figures.fiscal_year = warehouse_figures.fiscal_year
        and external_figures.measure = warehouse_figures.measure
        and external_figures.subject_key = warehouse_figures.subject_key
