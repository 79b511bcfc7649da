// placeholder: pages are added by the module owner.
import { definePage } from "./kit.js";

void definePage;
