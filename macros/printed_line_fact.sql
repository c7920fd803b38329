{#-
    One dated fact per printed line of a typed mart (int_dated_facts): the line states
    `this_year` for the document's year and `year_before` (SQL; none: NULL) for the year
    before, under `subject` and the key `subject_key` (SQL), on `basis` (SQL: a literal such
    as `'actual'`, or an expression of the mart's columns). The line is its own term; its
    status makes the fact unresolved. `where` (SQL) keeps the lines that state the subject.
-#}
{% macro printed_line_fact(relation, subject, subject_key, basis, this_year, year_before=none, where=none) -%}
    select
        municipality_code,
        document_id,
        fiscal_year,
        source_line,
        source_line as last_source_line,
        '{{ subject }}' as subject,
        {{ subject_key }} as subject_key,
        {{ basis }} as basis,
        {{ this_year }} as this_year_yen,
        {{ year_before if year_before is not none else 'cast(null as bigint)' }} as year_before_yen,
        false as is_restatement,
        1 as term_count,
        case when status <> 'ok' then 1 else 0 end as unresolved_flag,
        'line ' || cast(source_line as {{ portable_type('varchar') }}) as terms
    from {{ relation }}{% if where %}
    where {{ where }}{% endif %}
{%- endmacro %}
