{#-
    The measure each table column holds: the project's judgement over what the city printed.

    1. By its header words, through the reviewed vocabulary (ref_measure_terms): a pattern
       contained in the column's header path, and its qualifier (an outer header word, such as
       前年度 over 予算額) where the vocabulary gives one, and its table kind (a term of the
       給与費明細書 such as 合計 binds only in a `salary` table) where it names one. The most specific match wins (both
       matched, then the longer pattern and qualifier); two different concepts equally specific
       leave the column unbound, with both named in binding_note.
       A header naming a year by its era (`令和8年度当初予算`) is read against the document's
       year, in a table comparing budgets (budget_items, account_totals): the document's own year is 本年度, the year before
       前年度 (`令和7年度当初予算` in a FY2026 summary is 前年度当初予算), so one vocabulary
       binds both the relative and the dated wording (eras from ref_eras).
    2. By the part the column plays in the table's own roll-forwards (a + b − c = d that the
       printed figures satisfy, found by the ingest): opening_balance, increase, decrease,
       closing_balance. This decides where the header is silent or ambiguous (現在高 names both
       the opening and the closing balance of a 地方債 調書), and overrules the header's balance
       reading where the two disagree: the identity is proven, the header word is not.
-#}
with

table_columns as (

    select * from {{ ref('stg_ingest__table_columns') }}

),

measure_terms as (

    select * from {{ ref('ref_measure_terms') }}

),

table_kinds as (

    select * from {{ ref('int_table_kinds') }}

),

eras as (

    select * from {{ ref('ref_eras') }}

),

-- the first era year a header names (`令和8年度`), in a table comparing this year's budget
-- with the year before's (a 基金 or 地方債 table's dated columns are balances and flows of their
-- own dates, bound by their roll-forward)
year_words as (

    select
        c.document_id,
        c.table_id,
        c.col_no,
        c.fiscal_year,
        c.column_path,
        regexp_extract(c.column_path, '([^0-9/()]{2})([0-9]+|元)年度', 0) as year_word,
        regexp_extract(c.column_path, '([^0-9/()]{2})([0-9]+|元)年度', 1) as era_word,
        regexp_extract(c.column_path, '([^0-9/()]{2})([0-9]+|元)年度', 2) as era_year_word
    from table_columns as c
    inner join table_kinds as k
        on c.document_id = k.document_id and c.table_id = k.table_id
    where k.table_kind in ('budget_items', 'account_totals')

),

named_years as (

    select
        y.document_id,
        y.table_id,
        y.col_no,
        y.fiscal_year,
        y.year_word,
        e.start_year - 1
        + case when y.era_year_word = '元' then 1 else cast(y.era_year_word as integer) end as named_year
    from year_words as y
    inner join eras as e
        on y.era_word = e.era_name
    where y.year_word <> ''

),

relative_years as (

    select
        document_id,
        table_id,
        col_no,
        year_word,
        case named_year
            when fiscal_year then '本年度'
            when fiscal_year - 1 then '前年度'
        end as relative_word
    from named_years

),

-- the header path as matched: a dated year said relative to the document's year
read_columns as (

    select
        c.*,
        case
            when r.relative_word is not null then replace(c.column_path, r.year_word, r.relative_word)
            else c.column_path
        end as matched_path
    from table_columns as c
    left join relative_years as r
        on
            c.document_id = r.document_id
            and c.table_id = r.table_id
            and c.col_no = r.col_no

),

matches as (

    select
        c.document_id,
        c.table_id,
        c.col_no,
        t.concept,
        t.pattern,
        t.qualifier,
        (case when t.qualifier is null then 0 else 1 end) as qualified,
        length(t.pattern) + length(coalesce(t.qualifier, '')) as specificity
    from read_columns as c
    left join table_kinds as k
        on c.document_id = k.document_id and c.table_id = k.table_id
    inner join measure_terms as t
        on
            instr(c.matched_path, t.pattern) > 0
            and (t.qualifier is null or instr(c.matched_path, t.qualifier) > 0)
            -- a term the vocabulary scopes to one kind of table binds only there
            and (t.table_kind is null or t.table_kind = k.table_kind)

),

ranked as (

    select
        *,
        dense_rank() over (
            partition by document_id, table_id, col_no
            order by qualified desc, specificity desc
        ) as match_rank
    from matches

),

best as (

    select
        document_id,
        table_id,
        col_no,
        count(distinct concept) as concepts,
        min(concept) as concept,
        min(concept) || case when count(distinct concept) > 1 then ', ' || max(concept) else '' end
            as candidates,
        min(pattern) as pattern
    from ranked
    where match_rank = 1
    group by document_id, table_id, col_no

),

bound as (

    select
        c.municipality_code,
        c.fiscal_year,
        c.document_id,
        c.source_line,
        c.table_id,
        c.table_title,
        c.col_no,
        c.column_path,
        c.role,
        case c.role
            when 'opening' then 'opening_balance'
            when 'increase' then 'increase'
            when 'decrease' then 'decrease'
            when 'closing' then 'closing_balance'
        end as role_concept,
        case when b.concepts = 1 then b.concept end as header_concept,
        b.concepts,
        b.candidates,
        b.pattern,
        c.role_rows
    from table_columns as c
    left join best as b
        on
            c.document_id = b.document_id
            and c.table_id = b.table_id
            and c.col_no = b.col_no

)

select
    municipality_code,
    fiscal_year,
    document_id,
    source_line,
    table_id,
    table_title,
    col_no,
    column_path,
    coalesce(role_concept, header_concept) as concept,
    case
        when role_concept is not null then 'identity'
        when header_concept is not null then 'header'
    end as bound_by,
    case
        when role_concept is not null and header_concept is not null and header_concept <> role_concept
            then
                'roll-forward '
                || role
                || ' on '
                || cast(role_rows as {{ portable_type('varchar') }})
                || ' rows (header word '
                || pattern || ' said ' || header_concept || ')'
        when role_concept is not null
            then
                'roll-forward '
                || role
                || ' on '
                || cast(role_rows as {{ portable_type('varchar') }})
                || ' rows'
        when header_concept is not null then 'header word ' || pattern
        when concepts > 1 then 'ambiguous: header words name ' || candidates
        else 'no header word in the vocabulary'
    end as binding_note
from bound
