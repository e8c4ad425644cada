// The element tree xml-write.ts serialises: a type-only leaf, so the store's property model can name it without
// importing the writer (which imports the property namespaces).

export interface XNode {
  ns: string;
  local: string;
  attrs?: { ns: string; local: string; value: string }[];
  children?: XNode[];
  text?: string;
}
