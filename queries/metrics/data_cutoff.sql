-- The store's data cut-off: the newest published_at or replied_at of any item (NULL when empty).
-- Reports of a closed period count the replies known by then, so the same data always gives the same
-- figures (never the clock).
select greatest(max(published_at), max(replied_at)) as cutoff
from items
