with

documents as (

    select * from {{ ref('stg_ingest__documents') }}

),

eras as (

    select * from {{ ref('ref_eras') }}

),

years as (

    select distinct fiscal_year from documents

),

-- The era of a fiscal year is the latest era whose year 1 is not after it (令和元年度 = 2019).
ranked as (

    select
        years.fiscal_year,
        eras.era_name,
        years.fiscal_year - eras.start_year + 1 as era_year,
        row_number() over (
            partition by years.fiscal_year order by eras.start_year desc
        ) as era_rank
    from years
    inner join eras
        on eras.start_year <= years.fiscal_year

)

select
    fiscal_year,
    era_name
    || case when era_year = 1 then '元' else cast(era_year as {{ portable_type('varchar') }}) end
    || '年度' as label_ja,
    era_name,
    cast(era_year as integer) as era_year,
    make_date(fiscal_year, 4, 1) as start_date,
    make_date(fiscal_year + 1, 3, 31) as end_date
from ranked
where era_rank = 1
