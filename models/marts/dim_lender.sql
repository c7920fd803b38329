with

lenders as (

    select * from {{ ref('int_lender_names') }}

)

select
    lender_name,
    lender_category
from lenders
