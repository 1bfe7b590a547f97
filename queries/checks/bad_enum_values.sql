-- Offending rows: values outside the closed vocabularies of the contract (dashboard/core/contract.py;
-- tests/test_checks.py keeps these lists equal to it).
select id, satisfaction, sentiment, department_level, kind
from items
where (satisfaction is not null and satisfaction not in ('满意', '基本满意', '不满意'))
   or (sentiment is not null and sentiment not in ('正面', '中性', '负面'))
   or (department_level is not null and department_level not in ('市直', '县市区', '其他'))
   or (kind is not null and kind not in ('诉求', '舆情'))
