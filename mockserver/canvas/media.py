"""Media types Canvas sets on LTI service responses (§2.6, §3.1, §4.1, §5, §7.1)."""

JSON = "application/json"
LINE_ITEM = "application/vnd.ims.lis.v2.lineitem+json"
LINE_ITEM_CONTAINER = "application/vnd.ims.lis.v2.lineitemcontainer+json"
SCORE = "application/vnd.ims.lis.v1.score+json"
RESULT_CONTAINER = "application/vnd.ims.lis.v2.resultcontainer+json"
MEMBERSHIP_CONTAINER = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
