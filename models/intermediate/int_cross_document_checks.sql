{#-
    Identities across documents of one municipality, found from the dated facts (not per
    document pair by hand): two documents stating the same subject for the same year.
    - Both state it as fact (`actual`: a report's closing balance and the next report's opening
      balance) or both as the year's budget (`budget`: a budget book's 本年度 and the next book's
      前年度): an identity, `ok` or `mismatch`.
    - Either states a projection (`projected`: a budget book's 見込額): a comparison, not an
      identity; a difference is the projection revised, `expected_mismatch` with that reason.
    - An actual figure against a budgeted one is no pair (a budget is not a settlement).
    - A budget summary's 会計別 row against a budget book's 歳入合計 of the same year and account
      (account_budget: the book's total restated, int_dated_facts) is an identity; two books'
      restated totals are not paired again (budget_item pairs them).
    - A 決算 summary's 翌年度へ繰り越すべき財源 against the year's 繰越計算書 (each statement's 計's
      一般財源 + 既収入特定財源, summed over 繰越明許費, 事故繰越し and 継続費: carryover_funds) is
      an identity; the note names every statement's document and line.
    The later document reports, the earlier one computes; both are in the note. Tolerance: half
    a 千円 where either figure may be rounded to 千円 (a multiple of 1,000 yen), else exact.
-#}
with

facts as (

    select * from {{ ref('int_dated_facts') }}

),

pairs as (

    select
        later.municipality_code,
        later.document_fiscal_year as fiscal_year,
        later.document_id,
        later.source_line,
        later.subject,
        later.subject_key,
        later.measure_fiscal_year,
        later.basis as later_basis,
        earlier.basis as earlier_basis,
        later.value_yen as later_value_yen,
        earlier.value_yen as earlier_value_yen,
        earlier.document_id as earlier_document_id,
        earlier.source_line as earlier_source_line,
        later.terms as later_terms,
        earlier.terms as earlier_terms
    from facts as later
    inner join facts as earlier
        on
            later.municipality_code = earlier.municipality_code
            and later.subject = earlier.subject
            and later.subject_key = earlier.subject_key
            and later.measure_fiscal_year = earlier.measure_fiscal_year
            and later.document_id <> earlier.document_id
            and (
                later.document_fiscal_year > earlier.document_fiscal_year
                or (
                    later.document_fiscal_year = earlier.document_fiscal_year
                    and later.document_id > earlier.document_id
                )
            )
    where
        (
            (later.basis = earlier.basis)
            or later.basis = 'projected'
            or earlier.basis = 'projected'
        )
        -- two restated figures are already paired under their own subject
        and not (coalesce(later.is_restatement, false) and coalesce(earlier.is_restatement, false))

),

judged as (

    select
        pairs.*,
        pairs.later_basis = 'projected' or pairs.earlier_basis = 'projected' as is_comparison,
        case
            when pairs.later_value_yen % 1000 = 0 or pairs.earlier_value_yen % 1000 = 0 then 500
            else 0
        end as tolerance_yen
    from pairs

)

select
    'xdoc:' || subject || ':' || subject_key || ':'
    || cast(measure_fiscal_year as {{ portable_type('varchar') }}) || ':'
    || earlier_document_id || ':' || document_id as check_id,
    municipality_code,
    fiscal_year,
    'cross_document.' || subject as subject,
    subject_key || ' @ FY' || cast(measure_fiscal_year as {{ portable_type('varchar') }})
        as group_label,
    cast(later_value_yen as double) as reported_value,
    cast(earlier_value_yen as double) as computed_value,
    cast(tolerance_yen as double) as tolerance,
    is_comparison as expected,
    case
        when is_comparison
            then 'comparison, not an identity: a projection (見込) is revised by the later book; '
        else ''
    end
    || subject || ' ' || subject_key || ' for FY'
    || cast(measure_fiscal_year as {{ portable_type('varchar') }}) || ': '
    || document_id || ' ' || later_terms || ' (' || later_basis || ') against '
    || earlier_document_id || ' ' || earlier_terms || ' (' || earlier_basis || ')' as note,
    document_id,
    source_line,
    earlier_document_id,
    earlier_source_line
from judged
