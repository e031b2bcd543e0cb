"""OParl 1.1 export (Offene Ratsinformation): the process as open council data, a static tree of JSON files."""
