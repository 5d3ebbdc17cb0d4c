"""The Django web layer: pages, knowledge storage, and (later) the reader views, trials and API."""
