with

accounts as (

    select * from {{ ref('int_account_names') }}

)

select distinct
    account_name,
    account_type,
    ordinary_account
from accounts
