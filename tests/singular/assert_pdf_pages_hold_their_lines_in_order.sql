-- Every page of a PDF document holds a run of the document's extracted text in page order:
-- first_line <= last_line within 1..line_count, and each page's lines start after those of
-- the page before it (a page without a line of its own has NULL lines). A row returned is a
-- page whose lines overlap or run backwards, which would send source_line to the wrong page.
with

pages as (

    select
        p.document_id,
        p.page,
        p.first_line,
        p.last_line,
        d.line_count,
        max(p.last_line) over (
            partition by p.document_id order by p.page
            rows between unbounded preceding and 1 preceding
        ) as previous_last_line
    from {{ ref('stg_ingest__pdf_pages') }} as p
    inner join {{ ref('stg_ingest__documents') }} as d on p.document_id = d.document_id

)

select *
from pages
where
    first_line is not null
    and (
        first_line > last_line
        or first_line < 1
        or last_line > line_count
        or first_line <= coalesce(previous_last_line, 0)
    )
