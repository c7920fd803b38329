with

funds as (

    select * from {{ ref('int_fund_names') }}

)

select
    municipality_code,
    fund_name,
    fund_category
from funds
