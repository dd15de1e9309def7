// Names shared by rating, the views and the exports (docs/tags.md).

/**
 * The provider-defined tag key prefix (FOCUS `Tags`): the resource group is
 * exported as `billing-console/resource-group`. User tag keys may not start with it.
 */
export const PROVIDER_TAG_PREFIX = "billing-console/";
export const RESOURCE_GROUP_TAG = `${PROVIDER_TAG_PREFIX}resource-group`;

/**
 * The filter value for "without the tag" / "in no group". Tag values and group
 * names cannot contain parentheses, so neither can be mistaken for a real one.
 */
export const UNTAGGED = "(untagged)";
export const NO_GROUP = "(none)";
